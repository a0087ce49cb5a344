from . import portal
from . import kpi_export
