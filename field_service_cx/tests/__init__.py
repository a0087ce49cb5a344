from . import test_booking, test_customer, test_rights, test_tours, test_visit
from . import test_messages, test_message_rendering, test_messages_race
from . import test_day_sheet
from . import test_visit_constraints
from . import test_demo, test_dispatcher, test_geolocation, test_parts_pickup
from . import test_schedule_version
from . import test_technician_screen
from . import test_cant_finish
from . import test_office_customer
from . import test_live_status
from . import test_positions
