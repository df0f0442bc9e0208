from services.common.migrations import run_env
from services.events.models import Base

run_env(Base.metadata)
