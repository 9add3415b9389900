from django.core.exceptions import ValidationError


def add_validation_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside their fields, the
    rest in the error summary, with everything the person typed still in place."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
