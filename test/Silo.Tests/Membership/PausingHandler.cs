namespace OrleansKaitoScaler.Silo.Tests.Membership;

/// <summary>
/// Holds one client's next matching request until the test releases it, so a race between two silos can be played
/// in a chosen order instead of hoped for.
/// </summary>
internal sealed class PausingHandler : DelegatingHandler
{
    private readonly Lock _gate = new();
    private Pause? _pause;

    /// <summary>Holds the next request matching <paramref name="when"/>; <see cref="Pause.Reached"/> completes when it arrives.</summary>
    public Pause PauseNext(Func<HttpRequestMessage, bool> when)
    {
        var pause = new Pause(when);
        lock (_gate)
        {
            _pause = pause;
        }

        return pause;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Pause? pause;
        lock (_gate)
        {
            pause = _pause is { } p && p.When(request) ? p : null;
            if (pause is not null)
            {
                _pause = null;
            }
        }

        if (pause is not null)
        {
            pause.Arrived.TrySetResult();
            await pause.Released.Task.WaitAsync(cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }

    internal sealed class Pause(Func<HttpRequestMessage, bool> when)
    {
        public Func<HttpRequestMessage, bool> When { get; } = when;

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the held request has arrived (bounded: a test never hangs on it).</summary>
        public Task Reached => Arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public void Release() => Released.TrySetResult();
    }
}
