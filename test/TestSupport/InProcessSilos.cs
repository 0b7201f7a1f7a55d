namespace OrleansKaitoScaler.TestSupport;

/// <summary>What a test process hosting several in-process silos (TestingHost) needs to behave like scaler pods.</summary>
public static class InProcessSilos
{
    /// <summary>
    /// Several silos, the replicas and the KEDA callers share one process and its thread pool, and a silo starting or
    /// stopping in-process (TestingHost) blocks pool threads: on 2 cores the pool then adds threads only every half
    /// second or so, stalling scrapes by up to 1 s and moving a 12 s rate by up to 10%. A scaler pod runs one silo and
    /// blocks none (no sync-over-async in our code); this gives the process the threads it would have.
    /// </summary>
    public static void GiveThreadsOfSeparatePods()
    {
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(completions, 64));
    }
}
