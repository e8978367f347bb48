using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Movement.Dashboard.Tests.HomeSteps.Import;

/// <summary>
/// Export files built the way their apps write them: a Gadgetbridge database with the tables greenDAO generates from
/// Gadgetbridge's GBDaoGenerator (upper-case names, TIMESTAMP in Unix seconds, primary key (TIMESTAMP, DEVICE_ID),
/// WITHOUT ROWID), and Apple Health's export.xml (HealthData root with its internal DTD, Record elements).
/// </summary>
public static class StepExports
{
    public const string MiBandTable = "MI_BAND_ACTIVITY_SAMPLE";
    public const string BangleTable = "BANGLE_JSACTIVITY_SAMPLE";
    public const string HuamiExtendedTable = "HUAMI_EXTENDED_ACTIVITY_SAMPLE";

    /// <summary>A Gadgetbridge database at <paramref name="path"/> with its DEVICE and USER tables and these step tables (empty).</summary>
    public static SqliteConnection NewGadgetbridge(string path, params string[] sampleTables)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        var sql = new StringBuilder("""
            CREATE TABLE "USER" ("_id" INTEGER PRIMARY KEY ,"NAME" TEXT NOT NULL ,"BIRTHDAY" INTEGER NOT NULL ,"GENDER" INTEGER NOT NULL );
            INSERT INTO "USER" VALUES (1, 'Gadgetbridge user', 0, 2);
            CREATE TABLE "DEVICE" ("_id" INTEGER PRIMARY KEY ,"NAME" TEXT NOT NULL ,"MANUFACTURER" TEXT NOT NULL ,"IDENTIFIER" TEXT NOT NULL UNIQUE ,
                "TYPE" INTEGER NOT NULL ,"TYPE_NAME" TEXT NOT NULL ,"MODEL" TEXT,"ALIAS" TEXT,"PARENT_FOLDER" TEXT);
            -- A daily summary: its STEPS is a whole day's, and must not be read as samples.
            CREATE TABLE "XIAOMI_DAILY_SUMMARY_SAMPLE" ("TIMESTAMP" INTEGER NOT NULL ,"DEVICE_ID" INTEGER NOT NULL ,"USER_ID" INTEGER NOT NULL ,
                "TIMEZONE" INTEGER,"STEPS" INTEGER,"HR_RESTING" INTEGER,PRIMARY KEY ("TIMESTAMP" ,"DEVICE_ID") ON CONFLICT REPLACE) WITHOUT ROWID;
            """);
        foreach (var table in sampleTables)
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                CREATE TABLE "{table}" ("TIMESTAMP" INTEGER NOT NULL ,"DEVICE_ID" INTEGER NOT NULL ,"USER_ID" INTEGER NOT NULL ,
                    "RAW_INTENSITY" INTEGER NOT NULL ,"STEPS" INTEGER NOT NULL ,"RAW_KIND" INTEGER NOT NULL ,"HEART_RATE" INTEGER NOT NULL ,
                    PRIMARY KEY ("TIMESTAMP" ,"DEVICE_ID") ON CONFLICT REPLACE) WITHOUT ROWID;
                """);
        }

        Execute(connection, sql.ToString());
        return connection;
    }

    public static void AddDevice(SqliteConnection gadgetbridge, long id, string name, string identifier, string? alias = null)
    {
        using var command = gadgetbridge.CreateCommand();
        command.CommandText = "INSERT INTO DEVICE (_id, NAME, MANUFACTURER, IDENTIFIER, TYPE, TYPE_NAME, ALIAS) VALUES ($id, $name, 'Maker', $identifier, 1, 'MIBAND', $alias)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$identifier", identifier);
        command.Parameters.AddWithValue("$alias", (object?)alias ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>One sample row: <paramref name="steps"/> in the minute from <paramref name="time"/> (RAW_KIND 1 walking, intensity and heart rate as a band writes them).</summary>
    public static void AddSample(SqliteConnection gadgetbridge, string table, long deviceId, DateTimeOffset time, long steps)
    {
        using var command = gadgetbridge.CreateCommand();
        command.CommandText = $"INSERT INTO \"{table}\" (TIMESTAMP, DEVICE_ID, USER_ID, RAW_INTENSITY, STEPS, RAW_KIND, HEART_RATE) VALUES ($t, $d, 1, 40, $s, 1, 72)";
        command.Parameters.AddWithValue("$t", time.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$d", deviceId);
        command.Parameters.AddWithValue("$s", steps);
        command.ExecuteNonQuery();
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public const string AppleHeader = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE HealthData [
        <!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
        <!ATTLIST HealthData locale CDATA #REQUIRED>
        <!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
        <!ATTLIST Record
          type          CDATA #REQUIRED
          unit          CDATA #IMPLIED
          value         CDATA #IMPLIED
          sourceName    CDATA #REQUIRED
          sourceVersion CDATA #IMPLIED
          device        CDATA #IMPLIED
          creationDate  CDATA #IMPLIED
          startDate     CDATA #REQUIRED
          endDate       CDATA #REQUIRED
        >
        ]>
        <HealthData locale="en_GB">
         <ExportDate value="2026-11-01 09:00:00 +0000"/>
         <Me HKCharacteristicTypeIdentifierDateOfBirth="" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>

        """;

    public const string AppleFooter = "</HealthData>\n";

    /// <summary>A step Record as the Health app writes it (dates like "2026-03-29 01:30:00 +0100").</summary>
    public static string AppleSteps(string source, string start, string end, string value) =>
        $"""
         <Record type="HKQuantityTypeIdentifierStepCount" sourceName="{source}" sourceVersion="19.1" device="&lt;&lt;HKDevice: 0x3029d8f00&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone&gt;" unit="count" creationDate="{end}" startDate="{start}" endDate="{end}" value="{value}"/>

        """;

    public const string IPhone = "Jo’s iPhone";
    public const string Watch = "Jo’s Apple Watch";

    /// <summary>
    /// Both of 2026's clock changes in Europe/London, from an iPhone and a Watch: records across midnight (split by
    /// time), across the change itself, at the same local time an hour apart on the 25-hour day, a duplicate from the
    /// Watch, a heart rate record and a record with metadata children.
    /// </summary>
    public static string AppleAcrossClockChanges() => AppleHeader
        + """ <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Jo’s Apple Watch" unit="count/min" startDate="2026-03-29 10:00:00 +0100" endDate="2026-03-29 10:00:00 +0100" value="71"/>""" + "\n"
        // 23:30 GMT on the 28th to 00:30 GMT on the 29th: half on each day.
        + AppleSteps(IPhone, "2026-03-28 23:30:00 +0000", "2026-03-29 00:30:00 +0000", "600")
        // 00:50 GMT to 02:10 BST (01:10 UTC): across the spring-forward instant, all on the 29th.
        + AppleSteps(IPhone, "2026-03-29 00:50:00 +0000", "2026-03-29 02:10:00 +0100", "400")
        // 23:30 to 00:30 BST: the 29th (23 hours long) ends at 23:00 UTC; half on each day.
        + AppleSteps(IPhone, "2026-03-29 23:30:00 +0100", "2026-03-30 00:30:00 +0100", "200")
        + AppleSteps(Watch, "2026-03-29 10:00:00 +0100", "2026-03-29 10:10:00 +0100", "900")
        // The same ten minutes again from the Watch, a smaller figure: one device's overlapping records count once.
        + AppleSteps(Watch, "2026-03-29 10:00:00 +0100", "2026-03-29 10:10:00 +0100", "850")
        // 01:30 BST and 01:30 GMT on the 25-hour day, an hour apart: both on the 25th.
        + AppleSteps(IPhone, "2026-10-25 01:30:00 +0100", "2026-10-25 01:40:00 +0100", "100")
        + """
         <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Jo’s iPhone" unit="count" startDate="2026-10-25 01:30:00 +0000" endDate="2026-10-25 01:40:00 +0000" value="150">
          <MetadataEntry key="HKMetadataKeySyncVersion" value="2"/>
         </Record>

        """
        // 23:00 GMT on the 25th to 01:00 on the 26th: half on each.
        + AppleSteps(IPhone, "2026-10-25 23:00:00 +0000", "2026-10-26 01:00:00 +0000", "500")
        + AppleFooter;

    /// <summary>The days <see cref="AppleAcrossClockChanges"/> holds, per source.</summary>
    public static readonly IReadOnlyDictionary<(string Source, DateOnly Date), long> AppleAcrossClockChangesDays = new Dictionary<(string, DateOnly), long>
    {
        [(IPhone, new DateOnly(2026, 3, 28))] = 300,
        [(IPhone, new DateOnly(2026, 3, 29))] = 300 + 400 + 100,
        [(IPhone, new DateOnly(2026, 3, 30))] = 100,
        [(Watch, new DateOnly(2026, 3, 29))] = 900,
        [(IPhone, new DateOnly(2026, 10, 25))] = 100 + 150 + 250,
        [(IPhone, new DateOnly(2026, 10, 26))] = 250,
    };
}
