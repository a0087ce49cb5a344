from . import test_travel_settings
