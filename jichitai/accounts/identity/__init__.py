"""Identity verification (本人確認) through external OpenID Connect providers.

The protocol is Authlib's (authorization code with PKCE) and joserfc's (ID token signature and
claims); this package only configures them, keeps the pending request in the session and
records the result. See docs/decisions/0006-identity-providers.md.
"""
