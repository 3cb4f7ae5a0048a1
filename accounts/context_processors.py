from accounts.access import access_for


def access(request):
    """Puts the signed-in user's ``Access`` (memberships, roles, districts) in templates."""
    user = getattr(request, "user", None)
    return {"access": access_for(user) if user is not None else None}
