using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthProxy.Configuration;
using AuthProxy.Keys;
using AuthProxy.Users;
using Microsoft.Extensions.Hosting.Internal;

namespace AuthProxy.Hosting.Settings;

/// <summary>
/// Reads and writes the settings file for the <c>config</c> verbs. A change is validated with the
/// same validators the server runs at start-up (and keys and users files are read) before the
/// file is replaced, atomically; a bad value leaves the file untouched.
/// </summary>
internal sealed class SettingsEditor(string path)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Path { get; } = path;

    public JsonObject Load()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        return JsonNode.Parse(File.ReadAllText(Path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            as JsonObject ?? throw new InvalidDataException($"{Path} does not hold a JSON object");
    }

    /// <summary>The value of <paramref name="key"/> in the file, or null when it is not set.</summary>
    public static string? Get(JsonObject settings, string key)
    {
        JsonNode? node = settings;
        foreach (var segment in key.Split(':'))
        {
            node = node is JsonObject o ? Child(o, segment) : null;
        }

        return node switch
        {
            null => null,
            JsonArray array => string.Join(",", array.Select(n => n?.ToString())),
            JsonValue value => value.ToString(),
            _ => node.ToJsonString(),
        };
    }

    /// <summary>Every setting in the file as (key, value).</summary>
    public static IEnumerable<(string Key, string Value)> Flatten(JsonObject settings, string prefix = "")
    {
        foreach (var (name, node) in settings)
        {
            var key = prefix.Length == 0 ? name : $"{prefix}:{name}";
            if (node is JsonObject inner)
            {
                foreach (var pair in Flatten(inner, key))
                {
                    yield return pair;
                }
            }
            else if (node is not null)
            {
                yield return (key, node is JsonArray array ? string.Join(",", array.Select(n => n?.ToString())) : node.ToString());
            }
        }
    }

    /// <summary>A copy of <paramref name="settings"/> with <paramref name="key"/> set (empty removes it).</summary>
    public static JsonObject With(JsonObject settings, string key, string value)
    {
        var copy = (JsonObject)settings.DeepClone();
        var segments = key.Split(':');
        var node = copy;
        foreach (var segment in segments[..^1])
        {
            if (Child(node, segment) is not JsonObject next)
            {
                next = [];
                Remove(node, segment);
                node[segment] = next;
            }

            node = next;
        }

        var leaf = segments[^1];
        Remove(node, leaf);
        if (value.Length > 0)
        {
            node[leaf] = KnownSettings.IsList(key)
                ? new JsonArray([.. value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).Select(v => (JsonNode)JsonValue.Create(v))])
                : JsonValue.Create(value);
        }

        return copy;
    }

    /// <summary>Every problem the server would report at start-up with these settings, and any unreadable key or users file.</summary>
    public static List<string> Validate(JsonObject settings, string contentRoot)
    {
        var problems = new List<string>();
        var bytes = Encoding.UTF8.GetBytes(settings.ToJsonString());
        if (!JsonFile.TryParse(bytes, out var configuration, out var error))
        {
            return [error];
        }

        var builder = new ConfigurationBuilder().AddConfiguration(configuration);
        var typed = TypedSettings.CheckAndHide(builder, configuration);
        var checkedConfiguration = builder.Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new TypedSettingsProblems(typed));
        services.AddSingleton<IConfiguration>(checkedConfiguration);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = contentRoot, ApplicationName = "AuthProxy", EnvironmentName = "Production" });
        services.AddAuthProxy(checkedConfiguration);
        using var provider = services.BuildServiceProvider();
        problems.AddRange(StartupValidation.Problems(provider));

        CheckKeys(checkedConfiguration, contentRoot, problems);
        if (checkedConfiguration.GetSection(UsersReader.SectionName).Exists())
        {
            UsersReader.Read(checkedConfiguration, contentRoot, problems);
        }

        return problems;
    }

    /// <summary>
    /// Replaces the file atomically (write aside, then rename over). It may hold an inline secret,
    /// so on Unix the new file is 0600 from its creation, whatever the old one's mode was. When
    /// the folder cannot take the file written aside (a folder the user may not write to, such as
    /// the container image's <c>/etc/authproxy</c>, or a file mounted on its own) the file is
    /// rewritten in place instead, closed to others first.
    /// </summary>
    public void Save(JsonObject settings)
    {
        var content = settings.ToJsonString(Indented) + "\n";
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.tmp");
        try
        {
            File.Delete(temporary); // a stale one would keep its mode: the new one is created afresh
            using (var writer = new StreamWriter(temporary, Utf8, OwnerOnly(FileMode.CreateNew)))
            {
                writer.Write(content);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception ex) when (File.Exists(Path) && ex is UnauthorizedAccessException or IOException)
        {
            TryDelete(temporary);
            SaveInPlace(content);
        }
    }

    /// <summary>Rewrites the existing file where it is: its folder is not ours, or the file is a mount point that cannot be renamed over.</summary>
    private void SaveInPlace(string content)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(0);
        using (var writer = new StreamWriter(stream, Utf8, leaveOpen: true))
        {
            writer.Write(content);
        }

        stream.Flush(flushToDisk: true);
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static FileStreamOptions OwnerOnly(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // Nothing was written there, or it cannot be removed: nothing to clean up.
        }
    }

    private static void CheckKeys(IConfiguration configuration, string contentRoot, List<string> problems)
    {
        Check(configuration["Security:JWT:RSA:PublicKey"], "Security:JWT:RSA:PublicKey", KeyRules.TigerGraphRsa);
        Check(configuration["Security:JWT:HMAC:Secret"], "Security:JWT:HMAC:Secret", KeyRules.TigerGraphHmac);
        foreach (var provider in JwtProviders.Read(configuration))
        {
            for (var i = 0; i < provider.Keys.Count; i++)
            {
                Check(provider.Keys[i], $"{provider.Path}:Keys:{i}", KeyRules.Provider(null));
            }

            for (var i = 0; i < provider.Secrets.Count; i++)
            {
                Check(provider.Secrets[i], $"{provider.Path}:Secrets:{i}", KeyRules.ProviderSecrets(null));
            }
        }

        void Check(string? value, string setting, KeyRules rules)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return;
            }

            var reference = ValueReference.Parse(value, contentRoot);
            var description = reference.Describe(setting);
            switch (reference.Kind)
            {
                case ValueReferenceKind.Inline:
                    KeyMaterial.Parse(reference.Value, description, rules, problems);
                    break;
                case ValueReferenceKind.File when !File.Exists(reference.Value):
                    problems.Add($"{description}: the file does not exist");
                    break;
                case ValueReferenceKind.File:
                    KeyMaterial.Parse(File.ReadAllText(reference.Value).Trim(), description, rules, problems);
                    break;
            }
        }
    }

    private static JsonNode? Child(JsonObject node, string name) =>
        node.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static void Remove(JsonObject node, string name)
    {
        foreach (var existing in node.Where(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Select(p => p.Key).ToList())
        {
            node.Remove(existing);
        }
    }
}
