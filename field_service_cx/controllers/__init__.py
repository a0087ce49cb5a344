from . import day_sheet
