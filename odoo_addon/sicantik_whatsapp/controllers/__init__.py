from . import main
from . import preview
