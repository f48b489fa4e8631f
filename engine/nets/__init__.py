"""Neural networks on the engine's own graph: MLPs, the digits data, deep-network gradients."""
