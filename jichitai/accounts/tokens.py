"""One-time tokens for links sent by e-mail."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """A token that proves the holder read mail sent to the account's address.

    It stops working once the address is verified (the hash covers the verification time)
    or after PASSWORD_RESET_TIMEOUT.
    """

    key_salt = "jichitai.accounts.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):  # type: ignore[no-untyped-def]
        return f"{user.pk}{user.email}{user.email_verified_at}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
