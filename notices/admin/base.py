class BadInputIs400Mixin:
    """A change form sent back with errors answers 400, so bad input is a 4xx like everywhere else."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        if request.method == "POST" and context.get("errors"):
            response.status_code = 400
        return response
