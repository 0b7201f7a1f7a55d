using System.Threading.Channels;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway;

/// <summary>
/// The observer one <c>StreamIsActive</c> call subscribes to its InferenceSet grain. It only queues what the
/// grain says, so the grain's notification returns at once and never waits on a slow KEDA connection.
/// </summary>
internal sealed class ActivitySubscriber : IActivityObserver
{
    // Unbounded is safe: activity changes are rare, and the one reader drains them as they come.
    private readonly Channel<ActivityAnswer> _answers =
        Channel.CreateUnbounded<ActivityAnswer>(new UnboundedChannelOptions { SingleReader = true });

    /// <inheritdoc />
    public Task OnActivityChanged(ActivityAnswer answer)
    {
        _answers.Writer.TryWrite(answer);
        return Task.CompletedTask;
    }

    /// <summary>Ends the sequence with <paramref name="exception"/>, after what was already queued.</summary>
    public void Fail(Exception exception) => _answers.Writer.TryComplete(exception);

    /// <summary>The answers in the order they arrived; throws what <see cref="Fail"/> was given.</summary>
    public IAsyncEnumerable<ActivityAnswer> ReadAllAsync(CancellationToken cancellationToken) =>
        _answers.Reader.ReadAllAsync(cancellationToken);
}
