import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_local_staff_account_is_created_once_with_a_random_password(capsys):
    call_command("ensure_local_staff")
    first_output = capsys.readouterr().out
    password = first_output.split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="secretariat")
    assert user.is_staff and user.check_password(password)
    assert len(password) >= 16

    call_command("ensure_local_staff")
    second_output = capsys.readouterr().out
    assert "already exists" in second_output
    assert "password:" not in second_output
    user.refresh_from_db()
    assert user.check_password(password)
