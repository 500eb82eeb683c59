"""The methods layer: progress assessment, projection, required trajectories, their evaluation on real series, and
hypothetical scenarios. Imports only the data layer."""
