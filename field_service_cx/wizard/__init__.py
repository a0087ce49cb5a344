from . import fs_book_visit, fs_visit_reason_wizard
