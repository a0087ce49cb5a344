from . import day_sheet
from . import short_link
