namespace OrleansKaitoScaler.TestSupport;

/// <summary>Waits, bounded, for an outcome a real cluster reaches asynchronously (a scrape, a file reload).</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? within = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what ?? "condition"} not reached in time; last value: {last}");
            }

            await Task.Delay(50);
        }
    }

    public static Task True(Func<bool> condition, TimeSpan? within = null, string? what = null) =>
        Get(() => Task.FromResult(condition()), ok => ok, within, what);
}
