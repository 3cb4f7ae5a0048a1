class DomainError(Exception):
    """A business rule refused an action; the message is shown to the user as it is."""

    def __init__(self, message: str, *, code: str = "domain_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
