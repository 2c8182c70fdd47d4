from django.core.management import call_command

from customers.models import Policy, Policyholder


def test_it_creates_demo_customers_once_and_says_how_to_log_in(demo_content, capsys):
    call_command("load_demo_policyholders")
    call_command("load_demo_policyholders")
    output = capsys.readouterr().out
    assert Policyholder.objects.count() == 3 and Policy.objects.count() == 3
    assert all(p.email.endswith("@example.com") for p in Policyholder.objects.exclude(email=""))
    assert "/login/" in output and "hanako@example.com" in output
