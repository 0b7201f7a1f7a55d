namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>Receives what a <see cref="ResourceInformer{T}"/> learns, in order, on one thread at a time.</summary>
internal interface IInformerHandler<in T>
{
    /// <summary>A full list: these objects are all there is (after start, a re-list on 410 Gone, or a lost watch).</summary>
    void OnListed(IReadOnlyList<T> objects);

    /// <summary>An object was added or changed.</summary>
    void OnUpserted(T value);

    /// <summary>An object was deleted.</summary>
    void OnDeleted(ObjectKey key);

    /// <summary>The watch confirmed the cache current (any event, including a bookmark).</summary>
    void OnCurrent();
}
