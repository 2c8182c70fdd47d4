"""How staff get into the admin: lockouts after failed logins (django-axes) and the second factor
(django-otp TOTP) that production requires.

An app of its own so that the admin site class, its login form and the axes hooks sit together and
apart from the product apps (notices, FAQ, consents, API), which only register their models on it.
"""
