"""No models. The module is here because Django sends post_migrate only to apps that have one, and the staff
roles are synced on staff's (staff.apps.StaffConfig.ready)."""
