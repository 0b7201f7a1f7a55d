using Microsoft.Extensions.Time.Testing;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class ReconcileQueueTests
{
    private static readonly ObjectKey A = new("default", "a");
    private static readonly ObjectKey B = new("default", "b");

    private readonly FakeTimeProvider _time = new();

    private ReconcileQueue Queue() => new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), _time);

    [Fact]
    public async Task A_key_added_many_times_before_it_is_taken_is_handed_out_once()
    {
        using var queue = Queue();
        queue.Add(A);
        queue.Add(B);
        queue.Add(A);

        Assert.Equal(A, await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(B, await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_added_while_it_is_reconciled_is_handed_out_again_only_after_Done()
    {
        using var queue = Queue();
        queue.Add(A);
        var key = await queue.TakeAsync(CancellationToken.None);

        queue.Add(A);
        var second = queue.TakeAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        queue.Done(key);

        Assert.Equal(A, await second.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Retries_wait_doubling_from_the_initial_delay_up_to_the_maximum_until_forgotten()
    {
        using var queue = Queue();

        var delays = Enumerable.Range(0, 7).Select(_ => queue.Retry(A)).ToList();
        queue.Forget(A);

        Assert.Equal([50, 100, 200, 400, 800, 1000, 1000], delays.Select(d => d.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromMilliseconds(50), queue.Retry(B));
        Assert.Equal(TimeSpan.FromMilliseconds(50), queue.Retry(A));
        var taken = queue.TakeAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(taken.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Contains(await taken.WaitAsync(TimeSpan.FromSeconds(5)), new[] { A, B });
    }

    [Fact]
    public async Task An_earlier_delayed_add_wins_over_a_later_one()
    {
        using var queue = Queue();
        queue.AddAfter(A, TimeSpan.FromSeconds(10));
        queue.AddAfter(A, TimeSpan.FromSeconds(1));
        queue.AddAfter(A, TimeSpan.FromSeconds(5));

        var taken = queue.TakeAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(A, await taken.WaitAsync(TimeSpan.FromSeconds(5)));
        queue.Done(A);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Disposing_drops_pending_keys_and_stops_takers()
    {
        var queue = Queue();
        var taker = queue.TakeAsync(CancellationToken.None);
        queue.AddAfter(A, TimeSpan.FromSeconds(1));

        queue.Dispose();
        queue.Add(B);
        _time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => taker.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, queue.Count);
    }
}
