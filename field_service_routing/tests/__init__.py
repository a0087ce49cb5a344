from . import test_travel_settings
from . import test_route_plan
from . import test_route_plan_solve
from . import test_travel_matrix
from . import test_demo_day
from . import test_route_plan_apply
from . import test_route_plan_live
