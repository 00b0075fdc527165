// libtorch state is process-wide (thread count, NNPACK and allocator switches, oneDNN's primitive caches) and
// the machine has two cores, so test classes here run one after another: three of ~20 full runs with classes
// in parallel crashed the test host at varying points, which no single class reproduced on its own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
