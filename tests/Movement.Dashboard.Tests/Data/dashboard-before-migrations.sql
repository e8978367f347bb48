-- The dashboard database's schema as EnsureCreated made it before there were migrations (sqlite3 .schema of a
-- seeded demo database; sqlite_sequence left out: SQLite makes it). DashboardMigrationTests upgrades it.
CREATE TABLE IF NOT EXISTS "AspNetRoles" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetRoles" PRIMARY KEY,
    "Name" TEXT NULL,
    "NormalizedName" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL
);
CREATE TABLE IF NOT EXISTS "AspNetUsers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetUsers" PRIMARY KEY,
    "ParticipantId" TEXT NULL,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" TEXT NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS "Cohorts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Cohorts" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "StartDate" TEXT NOT NULL,
    "SessionsPlanned" INTEGER NOT NULL,
    "SessionsPerWeek" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS "SensorAssignments" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SensorAssignments" PRIMARY KEY AUTOINCREMENT,
    "SessionId" INTEGER NOT NULL,
    "ParticipantId" TEXT NOT NULL,
    "Sensor" TEXT NOT NULL,
    "Placement" TEXT NOT NULL,
    "Side" TEXT NOT NULL,
    "Station" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "AspNetRoleClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY AUTOINCREMENT,
    "RoleId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "AspNetUserClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "AspNetUserLogins" (
    "LoginProvider" TEXT NOT NULL,
    "ProviderKey" TEXT NOT NULL,
    "ProviderDisplayName" TEXT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "AspNetUserRoles" (
    "UserId" TEXT NOT NULL,
    "RoleId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "AspNetUserTokens" (
    "UserId" TEXT NOT NULL,
    "LoginProvider" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Value" TEXT NULL,
    CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "Participants" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Participants" PRIMARY KEY,
    "DisplayName" TEXT NOT NULL,
    "CohortId" INTEGER NOT NULL,
    "DefaultSensor" TEXT NULL,
    "DefaultPlacement" TEXT NOT NULL,
    "DefaultSide" TEXT NOT NULL,
    "StepSensor" TEXT NULL,
    "DailyStepGoal" INTEGER NULL,
    "DischargeDate" TEXT NULL,
    CONSTRAINT "FK_Participants_Cohorts_CohortId" FOREIGN KEY ("CohortId") REFERENCES "Cohorts" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "Sessions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Sessions" PRIMARY KEY AUTOINCREMENT,
    "CohortId" INTEGER NOT NULL,
    "Number" INTEGER NOT NULL,
    "PlannedDate" TEXT NOT NULL,
    "SessionKey" TEXT NOT NULL,
    "StartedAt" TEXT NULL,
    "EndedAt" TEXT NULL,
    CONSTRAINT "FK_Sessions_Cohorts_CohortId" FOREIGN KEY ("CohortId") REFERENCES "Cohorts" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "Stations" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Stations" PRIMARY KEY AUTOINCREMENT,
    "CohortId" INTEGER NOT NULL,
    "Station" TEXT NOT NULL,
    "Order" INTEGER NOT NULL,
    "Exercise" TEXT NOT NULL,
    "TargetReps" INTEGER NOT NULL,
    "TargetRomDeg" REAL NULL,
    "RepsIncreasePerSession" INTEGER NOT NULL,
    "MaxReps" INTEGER NOT NULL,
    CONSTRAINT "FK_Stations_Cohorts_CohortId" FOREIGN KEY ("CohortId") REFERENCES "Cohorts" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");
CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");
CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");
CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");
CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");
CREATE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");
CREATE UNIQUE INDEX "IX_AspNetUsers_ParticipantId" ON "AspNetUsers" ("ParticipantId");
CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");
CREATE INDEX "IX_Participants_CohortId" ON "Participants" ("CohortId");
CREATE UNIQUE INDEX "IX_SensorAssignments_SessionId_ParticipantId" ON "SensorAssignments" ("SessionId", "ParticipantId");
CREATE UNIQUE INDEX "IX_Sessions_CohortId_Number" ON "Sessions" ("CohortId", "Number");
CREATE UNIQUE INDEX "IX_Sessions_SessionKey" ON "Sessions" ("SessionKey");
CREATE INDEX "IX_Stations_CohortId" ON "Stations" ("CohortId");
