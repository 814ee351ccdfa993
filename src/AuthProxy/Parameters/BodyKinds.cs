namespace AuthProxy.Parameters;

/// <summary>What a request body is, as the backends that read parameters from bodies tell it by its <c>Content-Type</c>.</summary>
[Flags]
internal enum BodyKinds
{
    /// <summary>No body.</summary>
    None = 0,

    /// <summary>A <c>Content-Type</c> holding <c>application/x-www-form-urlencoded</c> anywhere, in any case, or naming no media type at all (Rack reads such a POST as a form).</summary>
    Form = 1,

    /// <summary>A <c>Content-Type</c> holding <c>json</c> anywhere (<c>application/json</c>, <c>*+json</c>, <c>text/x-json</c>, ...): Rails, Laravel and Express merge its top-level members into the parameters.</summary>
    Json = 2,

    /// <summary>A <c>Content-Type</c> holding <c>multipart/</c> anywhere: Rack and PHP read its parts' names as parameters.</summary>
    Multipart = 4,

    /// <summary>Anything else (<c>text/plain</c>, <c>application/octet-stream</c>, CSV, XML, ...), which those backends do not read parameters from.</summary>
    Other = 8,

    /// <summary>The kinds backends read parameters from.</summary>
    Parameters = Form | Json | Multipart,
}
