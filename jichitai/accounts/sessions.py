"""Session engine: Django's database sessions, with the user's ID in its own column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

if TYPE_CHECKING:
    from jichitai.accounts.models import UserSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from jichitai.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance = cast("UserSession", super().create_model_instance(data))
        user_id = data.get("_auth_user_id")
        instance.user_id = int(user_id) if user_id is not None else None
        return instance


def end_all_sessions(user_id: int) -> int:
    """Delete every session of one user; returns how many there were."""
    from jichitai.accounts.models import UserSession

    deleted, _ = UserSession.objects.filter(user_id=user_id).delete()
    return deleted
