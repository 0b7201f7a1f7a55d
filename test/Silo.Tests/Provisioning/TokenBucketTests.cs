using Microsoft.Extensions.Time.Testing;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class TokenBucketTests
{
    [Fact]
    public async Task A_burst_passes_at_once_and_then_reconciles_start_at_the_configured_rate()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(perSecond: 2, burst: 3, time);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(bucket.TakeAsync(CancellationToken.None).AsTask().IsCompleted);
        }

        var fourth = bucket.TakeAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
