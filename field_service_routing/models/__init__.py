from . import res_company
from . import res_config_settings
from . import fs_travel_matrix
from . import fs_route_problem
from . import fs_route_plan
from . import fs_route_stop
from . import fs_route_replan
from . import project_task
