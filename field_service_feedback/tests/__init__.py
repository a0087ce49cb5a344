from . import test_visit_link
