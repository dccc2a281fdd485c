from . import version


def release(request):
    """The release and commit for the footer of every page."""
    return {"release": version.label()}
