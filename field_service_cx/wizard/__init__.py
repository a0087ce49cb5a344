from . import fs_book_visit, fs_visit_order_wizard, fs_visit_reason_wizard
from . import fs_visit_unfinished_wizard
from . import fs_visit_help_wizard
