namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>
/// How the KEDA gateway calls an InferenceSet grain: a call that meets a silo handing its grains over (a message
/// rejected with "silo stopping", or a silo just declared dead) is sent again, since the grain's next activation is
/// elsewhere and answers. Other failures are the caller's to map.
/// </summary>
public static class HandOverRetry
{
    /// <summary>Attempts in all; a hand-over completes within a few hundred milliseconds.</summary>
    public const int Attempts = 4;

    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < Attempts && IsHandOver(e))
            {
                await Task.Delay(Pause, time ?? TimeProvider.System);
            }
        }
    }

    /// <summary>True for the rejections a grain moving or a silo leaving causes.</summary>
    public static bool IsHandOver(Exception exception) =>
        exception is SiloUnavailableException
        || (exception is OrleansMessageRejectionException && exception.Message.Contains("stopping", StringComparison.OrdinalIgnoreCase))
        || exception is OrleansMessageRejectionException { InnerException: SiloUnavailableException };
}
