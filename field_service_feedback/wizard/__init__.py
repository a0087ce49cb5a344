from . import fs_visit_need
