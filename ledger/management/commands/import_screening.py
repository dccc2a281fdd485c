from ledger import importing

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import screening records (screened institutions) from an .xlsx workbook into a unit's ledger, with the rules "
        "of the upload page: every row is checked, and one wrong row saves nothing. Prints the number imported, or "
        "every wrong row and exits with 1."
    )
    sheet = importing.RECORDS
