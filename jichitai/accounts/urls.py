from django.urls import path

from jichitai.accounts import views
from jichitai.accounts.identity import views as identity_views

app_name = "accounts"

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/register/sent/", views.register_done, name="register_done"),
    path("accounts/verify/resend/", views.resend_verification, name="resend_verification"),
    path("accounts/verify/<str:uidb64>/<str:token>/", views.verify_email, name="verify_email"),
    path("accounts/password/forgot/", views.password_forgot, name="password_forgot"),
    path("accounts/password/forgot/sent/", views.password_forgot_sent, name="password_forgot_sent"),
    path(
        "accounts/password/reset/<str:uidb64>/<str:token>/",
        views.password_reset,
        name="password_reset",
    ),
    path("accounts/sign-in/", views.sign_in, name="login"),
    path("accounts/sign-in/code/", views.second_factor, name="second_factor"),
    path("accounts/sign-in/authenticator/", views.enrol, name="enrol"),
    path("accounts/sign-in/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("accounts/sign-out/", views.sign_out, name="logout"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/identity/", identity_views.verify, name="identity_verify"),
    path("accounts/identity/begin/", identity_views.begin, name="identity_begin"),
    path("accounts/identity/callback/", identity_views.callback, name="identity_callback"),
    path("mypage/", views.my_page, name="my_page"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/members/", views.staff_list, name="staff_list"),
    path("staff/members/<int:pk>/", views.staff_detail, name="staff_detail"),
    path(
        "staff/members/<int:pk>/roles/<int:role_pk>/revoke/",
        views.staff_revoke_role,
        name="staff_revoke_role",
    ),
    path("staff/members/<int:pk>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
]
