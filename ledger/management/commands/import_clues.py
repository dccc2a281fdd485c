from ledger import importing

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import risk clues from an .xlsx workbook into a unit's ledger, with the rules of the upload page: every row is "
        "checked, and one wrong row saves nothing. Prints the number imported, or every wrong row and exits with 1."
    )
    sheet = importing.CLUES

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--submit", action="store_true", help="submit the imported clues to the office at once")
