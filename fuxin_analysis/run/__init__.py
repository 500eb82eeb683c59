"""The run layer: parameter files, papermill runs, kernels, reports, manifests, caches, batches, the cluster and the
command line. May import every layer below it."""
