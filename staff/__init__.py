"""How staff get into the admin: lockouts after failed logins (django-axes).

An app of its own so that what guards the admin login sits together and apart from the product apps
(notices, FAQ, consents, API), which only register their models on the admin.
"""
