using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace AuthProxy.Storage;

/// <summary>
/// Data Protection's key ring kept in the shared database (<c>dataprotection_keys</c>), so every
/// instance decrypts the signing keys any of them stored. The first key is made under the
/// store's start lock (while the first instance loads its keys), so instances
/// starting together agree on it; later keys are made ahead of use, as Data Protection does for
/// any shared repository.
/// </summary>
internal sealed class PostgresXmlRepository(PostgresStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        store.WithConnectionAsync<IReadOnlyCollection<XElement>>(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT xml FROM dataprotection_keys ORDER BY name", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var elements = new List<XElement>();
            while (await reader.ReadAsync())
            {
                elements.Add(XElement.Parse(reader.GetString(0)));
            }

            return elements;
        }, CancellationToken.None).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) =>
        store.WithConnectionAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("INSERT INTO dataprotection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING", connection);
            command.Parameters.AddWithValue("name", friendlyName);
            command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
            return await command.ExecuteNonQueryAsync();
        }, CancellationToken.None).GetAwaiter().GetResult();
}
