from . import test_booking, test_customer, test_rights, test_tours, test_visit
