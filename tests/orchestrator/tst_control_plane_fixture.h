#pragma once

// Helpers of the control-plane tests (tst_control_plane*, tst_access_matrix): users with personal
// access tokens, environments with roles, machines and groups seeded straight into the tables,
// and JSON requests.

#include "TestServer.h"

#include "orchestrator/api/Environments.h"
#include "orchestrator/auth/TokenService.h"

#include <QRandomGenerator>

namespace mr::test {

/// A user and a personal access token of theirs.
struct Actor {
    orch::UserRecord user;
    QString token;
    QString name() const { return user.username; }
};

/// A control-plane test server with seeding helpers.
class ControlPlane {
public:
    explicit ControlPlane(TestServer& server)
        : s(server) {}

    TestServer& s;

    Actor actor(const QString& prefix, bool admin = false) {
        Actor a;
        a.user = s.addUser(prefix, admin);
        s.db([&](orch::Db& db) {
            a.token = orch::createPersonalToken(db, a.user.id, QStringLiteral("test"), s.clock().now());
        });
        return a;
    }

    orch::EnvironmentRecord environment(const QString& prefix = QStringLiteral("Env")) {
        orch::EnvironmentRecord env;
        s.db([&](orch::Db& db) { env = orch::createEnvironment(db, uniqueName(prefix), s.clock().now()); });
        return env;
    }

    void grant(const orch::EnvironmentRecord& env, const Actor& a, const QStringList& roles) {
        s.db([&](orch::Db& db) { orch::grantRoles(db, env.id, a.user.id, roles); });
    }

    /// A machine written straight into the table (owned by @p owner, optionally in a group).
    QString insertMachine(const QString& environmentId, const QString& ownerId, const QString& name,
                          const QString& groupId = {}) {
        const QString id = orch::newId();
        s.db([&](orch::Db& db) {
            const QString now = orch::isoUtc(s.clock().now());
            db.exec(QStringLiteral("INSERT INTO machines (id, environment_id, name, name_key, owner_id, public_key, "
                                   "fingerprint, key_created_at, created_at, group_id) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    {id, environmentId, name, name.toLower(), ownerId, publicKey(), QStringLiteral("fp"), now, now,
                     groupId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(groupId)});
        });
        return id;
    }

    QString insertGroup(const QString& environmentId, const QString& ownerId, const QString& name) {
        const QString id = orch::newId();
        s.db([&](orch::Db& db) {
            db.exec(QStringLiteral("INSERT INTO machine_groups (id, environment_id, name, name_key, owner_id, "
                                   "created_at) VALUES (?, ?, ?, ?, ?, ?)"),
                    {id, environmentId, name, name.toLower(), ownerId, orch::isoUtc(s.clock().now())});
        });
        return id;
    }

    /// Stores access straight into machine_access / group_access.
    void share(const QString& table, const QString& idColumn, const QString& id, const Actor& a, const QString& role) {
        s.db([&](orch::Db& db) {
            db.exec(QStringLiteral("INSERT INTO ") + table + QStringLiteral(" (") + idColumn +
                        QStringLiteral(", user_id, role) VALUES (?, ?, ?)"),
                    {id, a.user.id, role});
        });
    }

    static QString publicKey() {
        QByteArray key(32, '\0');
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(key.data()), 8);
        return QString::fromLatin1(key.toBase64());
    }

    static QJsonObject registration(const QString& name) {
        return QJsonObject{{QStringLiteral("name"), name},
                           {QStringLiteral("description"), QStringLiteral("Front desk")},
                           {QStringLiteral("publicKey"), publicKey()},
                           {QStringLiteral("fingerprint"), QString(QStringLiteral("fp-") + name)},
                           {QStringLiteral("version"), QStringLiteral("1.2.3")},
                           {QStringLiteral("os"), QStringLiteral("Debian GNU/Linux 12")}};
    }

    HttpResult registerMachine(const Actor& a, const QString& envId, const QString& name) {
        return s.postJson(QStringLiteral("/api/v1/environments/%1/machines").arg(envId), registration(name), a.token);
    }

    HttpResult send(const QByteArray& method, const QString& path, const QJsonObject& body, const Actor& a) {
        return s.request(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                         {{"Content-Type", "application/json"}}, a.token);
    }
    HttpResult raw(const QByteArray& method, const QString& path, const QByteArray& body, const Actor& a) {
        return s.request(method, path, body, {{"Content-Type", "application/json"}}, a.token);
    }
    HttpResult get(const QString& path, const Actor& a) { return s.get(path, a.token); }
    HttpResult del(const QString& path, const Actor& a) { return s.del(path, a.token); }
};

inline QString describe(const HttpResult& r) {
    return QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body.left(400)));
}

inline QJsonObject errorOf(const HttpResult& r) {
    return r.object().value(QStringLiteral("error")).toObject();
}

inline QString errorField(const HttpResult& r) {
    return errorOf(r).value(QStringLiteral("details")).toObject().value(QStringLiteral("field")).toString();
}

} // namespace mr::test

/// Checks status and (for errors) the error code, printing the body when they differ.
#define MR_EXPECT(result_, status_, code_)                                                                             \
    do {                                                                                                               \
        const auto& r_ = (result_);                                                                                    \
        QVERIFY2(r_.status == (status_), qPrintable(mr::test::describe(r_)));                                          \
        if (!QLatin1String(code_).isEmpty())                                                                           \
            QCOMPARE(r_.errorCode(), QLatin1String(code_));                                                            \
    } while (false)
