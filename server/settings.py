"""Every limit of the server in one place; each is overridable by an
environment variable CHAINRULE_<NAME> (e.g. CHAINRULE_MAX_NODES=50000)."""

from __future__ import annotations

from chainrule import Limits
from chainrule.limits import HARD_MAX_DEPTH
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHAINRULE_")

    max_program_chars: int = Field(100_000, ge=1, description="characters in one program")
    max_nodes: int = Field(25_000, ge=1, description="graph nodes one program may make")
    max_depth: int = Field(100, ge=1, le=HARD_MAX_DEPTH, description="nesting depth")
    max_tensor_elements: int = Field(100_000, ge=1, description="elements in one tensor")
    max_total_elements: int = Field(1_000_000, ge=1, description="elements in all tensors")
    max_check_evals: int = Field(2_000_000, ge=0,
                                 description="element operations the gradient check may spend "
                                 "(two forward passes per leaf element)")
    symbolic_seconds: float = Field(1.0, gt=0,
                                    description="seconds the symbolic (sympy) part of one check "
                                    "may spend; then it stops with a note, the numeric check "
                                    "still answers")
    max_body_bytes: int = Field(1_000_000, ge=1, description="request body size")
    max_train_steps: int = Field(10_000, ge=1, description="updates in one training run")
    max_response_bytes: int = Field(16_000_000, ge=1_000,
                                    description="bytes of one answer (25,000 nodes: 14 MB at most)")
    request_seconds: float = Field(20.0, gt=0, description="CPU time one request may take")
    client_seconds: float = Field(10.0, gt=0,
                                  description="seconds a client may take to send a request's "
                                  "head, or between pieces of its body; then the connection "
                                  "is closed (a stalled body answers 408)")
    concurrent_jobs: int = Field(2, ge=1, description="heavy requests worked at once per worker")
    run_dir: str = Field("", description="folder where the workers of one machine mark training "
                                         "runs and their cancels (default: one in the temp dir)")
    cors_origins: list[str] = Field(default_factory=list,
                                    description="origins allowed by CORS (none by default)")

    def limits(self) -> Limits:
        return Limits(max_chars=self.max_program_chars, max_nodes=self.max_nodes,
                      max_depth=self.max_depth, max_tensor_elements=self.max_tensor_elements,
                      max_total_elements=self.max_total_elements,
                      max_check_evals=self.max_check_evals,
                      symbolic_seconds=self.symbolic_seconds)
