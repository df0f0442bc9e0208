from services.common.migrations import run_env
from services.playstate.models import Base

run_env(Base.metadata)
