namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>Receives an InferenceSet's activity whenever it changes (used to serve KEDA's <c>StreamIsActive</c>).</summary>
public interface IActivityObserver : IGrainObserver
{
    /// <summary>The InferenceSet's activity now.</summary>
    Task OnActivityChanged(ActivityAnswer answer);
}
