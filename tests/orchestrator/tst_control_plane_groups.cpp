// Machine groups and sharing over real HTTP on SQLite and PostgreSQL: group fields, membership
// and its limit (R12, GroupFull, also under concurrent adds), settings inheritance (R14), group
// maintenance (R7), and sharing with deactivated and removed users flagged (R9).

#include "tst_control_plane_fixture.h"

#include "protocol/Limits.h"

#include <QtTest>

using namespace mr::test;
using mr::orch::Db;

namespace {

QString idOf(const HttpResult& r) {
    return r.object().value(QStringLiteral("id")).toString();
}

} // namespace

class TestControlPlaneGroups : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }
    void groups() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const Actor owner = cp.actor(QStringLiteral("owner"));
        const Actor member = cp.actor(QStringLiteral("member"));
        cp.grant(env, owner, {QStringLiteral("MachineOwner")});
        cp.grant(env, member, {});
        const QString groups = QStringLiteral("/api/v1/environments/%1/groups").arg(env.id);

        const HttpResult created = cp.send("POST", groups,
                                           {{QStringLiteral("name"), QStringLiteral("Night shift")},
                                            {QStringLiteral("description"), QStringLiteral("Batch jobs")}},
                                           owner);
        MR_EXPECT(created, 201, "");
        const QJsonObject g = created.object();
        const QStringList fields{QStringLiteral("id"),
                                 QStringLiteral("environmentId"),
                                 QStringLiteral("name"),
                                 QStringLiteral("description"),
                                 QStringLiteral("maintenanceMode"),
                                 QStringLiteral("reuseSessions"),
                                 QStringLiteral("unattendedBots"),
                                 QStringLiteral("sessionRecommendations"),
                                 QStringLiteral("machineIds"),
                                 QStringLiteral("owner"),
                                 QStringLiteral("access")};
        QCOMPARE(g.size(), fields.size());
        for (const QString& f : fields)
            QVERIFY2(g.contains(f), qPrintable(f));
        QCOMPARE(g.value(QStringLiteral("environmentId")).toString(), env.id);
        QCOMPARE(g.value(QStringLiteral("name")).toString(), QStringLiteral("Night shift"));
        QCOMPARE(g.value(QStringLiteral("description")).toString(), QStringLiteral("Batch jobs"));
        QCOMPARE(g.value(QStringLiteral("maintenanceMode")), QJsonValue(false));
        QCOMPARE(g.value(QStringLiteral("reuseSessions")), QJsonValue(false));
        QCOMPARE(g.value(QStringLiteral("unattendedBots")).toInt(), 1);
        QCOMPARE(g.value(QStringLiteral("sessionRecommendations")), QJsonValue(true));
        QCOMPARE(g.value(QStringLiteral("machineIds")).toArray(), QJsonArray());
        QCOMPARE(g.value(QStringLiteral("owner")).toString(), owner.name());
        QCOMPARE(g.value(QStringLiteral("access")).toString(), QStringLiteral("owner"));
        MR_EXPECT(cp.send("POST", groups, {{QStringLiteral("name"), QStringLiteral("NIGHT SHIFT")}}, owner), 409,
                  "Conflict");
        MR_EXPECT(cp.send("POST", groups, {{QStringLiteral("name"), QStringLiteral("x")}}, member), 403, "Forbidden");
        MR_EXPECT(cp.send("POST", groups, {{QStringLiteral("description"), QStringLiteral("x")}}, owner), 400,
                  "BadRequest");

        const QString groupPath = QStringLiteral("/api/v1/groups/") + idOf(created);
        MR_EXPECT(cp.get(groupPath, member), 404, "NotFound");
        QVERIFY(cp.get(groups, member).array().isEmpty());
        QCOMPARE(cp.get(groups, owner).array().size(), 1);

        // The group's settings first, then a member that takes them (R14).
        const HttpResult patched = cp.send("PATCH", groupPath,
                                           {{QStringLiteral("unattendedBots"), 3},
                                            {QStringLiteral("reuseSessions"), true},
                                            {QStringLiteral("sessionRecommendations"), false}},
                                           owner);
        MR_EXPECT(patched, 200, "");
        QCOMPARE(patched.object().value(QStringLiteral("unattendedBots")).toInt(), 3);
        MR_EXPECT(cp.send("PATCH", groupPath, {{QStringLiteral("color"), QStringLiteral("red")}}, owner), 400,
                  "BadRequest");
        const QString machine = idOf(cp.registerMachine(owner, env.id, QStringLiteral("pc-g")));
        const QString machinePath = QStringLiteral("/api/v1/machines/") + machine;
        const QString membership = groupPath + QStringLiteral("/machines/") + machine;
        MR_EXPECT(cp.send("PUT", membership, {}, owner), 204, "");
        MR_EXPECT(cp.send("PUT", membership, {}, owner), 204, ""); // idempotent
        QJsonObject m = cp.get(machinePath, owner).object();
        QCOMPARE(m.value(QStringLiteral("groupId")).toString(), idOf(created));
        QCOMPARE(m.value(QStringLiteral("groupName")).toString(),
                 created.object().value(QStringLiteral("name")).toString());
        QCOMPARE(m.value(QStringLiteral("unattendedBots")).toInt(), 3);
        QCOMPARE(m.value(QStringLiteral("reuseSessions")), QJsonValue(true));
        QCOMPARE(m.value(QStringLiteral("sessionRecommendations")), QJsonValue(false));
        QCOMPARE(cp.get(groupPath, owner).object().value(QStringLiteral("machineIds")).toArray(), QJsonArray{machine});

        // Group maintenance puts its machines in maintenance, which they cannot change alone (R7).
        MR_EXPECT(cp.send("PATCH", groupPath, {{QStringLiteral("maintenanceMode"), true}}, owner), 200, "");
        m = cp.get(machinePath, owner).object();
        QCOMPARE(m.value(QStringLiteral("maintenanceMode")), QJsonValue(true));
        QCOMPARE(m.value(QStringLiteral("status")).toString(), QStringLiteral("maintenance"));
        const HttpResult alone = cp.send("PATCH", machinePath, {{QStringLiteral("maintenanceMode"), false}}, owner);
        MR_EXPECT(alone, 409, "Conflict");
        QVERIFY(errorOf(alone).value(QStringLiteral("message")).toString().contains(QStringLiteral("Night shift")));
        MR_EXPECT(cp.send("PATCH", machinePath, {{QStringLiteral("unattendedBots"), 9}}, owner), 409, "Conflict");
        // Sending the group's own values, or changing the name, is fine.
        MR_EXPECT(
            cp.send("PATCH", machinePath,
                    {{QStringLiteral("maintenanceMode"), true}, {QStringLiteral("description"), QStringLiteral("d")}},
                    owner),
            200, "");

        // A machine in a group cannot join another one.
        const QString other = idOf(cp.send("POST", groups, {{QStringLiteral("name"), QStringLiteral("Day")}}, owner));
        MR_EXPECT(cp.send("PUT", QStringLiteral("/api/v1/groups/%1/machines/%2").arg(other, machine), {}, owner), 409,
                  "Conflict");
        // Machines of another environment cannot join.
        const auto env2 = cp.environment();
        cp.grant(env2, owner, {QStringLiteral("MachineOwner")});
        const QString foreign = idOf(cp.registerMachine(owner, env2.id, QStringLiteral("pc-f")));
        MR_EXPECT(cp.send("PUT", QStringLiteral("/api/v1/groups/%1/machines/%2").arg(other, foreign), {}, owner), 409,
                  "Conflict");

        // Removed: it keeps the settings it had from the group (R14) and may change them again.
        MR_EXPECT(cp.del(membership, owner), 204, "");
        MR_EXPECT(cp.del(membership, owner), 404, "NotFound");
        m = cp.get(machinePath, owner).object();
        QVERIFY(m.value(QStringLiteral("groupId")).isNull());
        QCOMPARE(m.value(QStringLiteral("maintenanceMode")), QJsonValue(true));
        QCOMPARE(m.value(QStringLiteral("unattendedBots")).toInt(), 3);
        QCOMPARE(m.value(QStringLiteral("reuseSessions")), QJsonValue(true));
        MR_EXPECT(cp.send("PATCH", machinePath, {{QStringLiteral("maintenanceMode"), false}}, owner), 200, "");

        // Deleting a group: members leave with their settings.
        MR_EXPECT(cp.send("PUT", membership, {}, owner), 204, "");
        MR_EXPECT(cp.del(groupPath, owner), 204, "");
        MR_EXPECT(cp.get(groupPath, owner), 404, "NotFound");
        m = cp.get(machinePath, owner).object();
        QVERIFY(m.value(QStringLiteral("groupId")).isNull());
        QCOMPARE(m.value(QStringLiteral("unattendedBots")).toInt(), 3);
        QCOMPARE(m.value(QStringLiteral("maintenanceMode")), QJsonValue(true));
    }

    void groupFull() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const Actor owner = cp.actor(QStringLiteral("owner"));
        cp.grant(env, owner, {QStringLiteral("MachineOwner")});
        const QString group = cp.insertGroup(env.id, owner.user.id, QStringLiteral("full"));
        for (int i = 0; i < mr::protocol::kMaxMachinesPerGroup - 2; ++i)
            cp.insertMachine(env.id, owner.user.id, QStringLiteral("m-%1").arg(i), group);
        const QString a = cp.insertMachine(env.id, owner.user.id, QStringLiteral("a"));
        const QString b = cp.insertMachine(env.id, owner.user.id, QStringLiteral("b"));
        const QString c = cp.insertMachine(env.id, owner.user.id, QStringLiteral("c"));

        MR_EXPECT(cp.send("PUT", QStringLiteral("/api/v1/groups/%1/machines/%2").arg(group, a), {}, owner), 204, "");
        // 49 members: two adds at once, only one of them fits (the group row is locked while counting).
        QNetworkAccessManager nam;
        QList<QNetworkReply*> replies;
        for (const QString& id : {b, c}) {
            QNetworkRequest request(
                server.url().resolved(QUrl(QStringLiteral("/api/v1/groups/%1/machines/%2").arg(group, id))));
            request.setRawHeader("Authorization", "Bearer " + owner.token.toLatin1());
            replies.append(nam.sendCustomRequest(request, "PUT"));
        }
        QList<int> statuses;
        QByteArray bodies;
        for (QNetworkReply* reply : replies) {
            QSignalSpy finished(reply, &QNetworkReply::finished);
            if (!reply->isFinished())
                QVERIFY(finished.wait(30'000));
            statuses.append(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
            bodies += reply->readAll();
            reply->deleteLater();
        }
        std::sort(statuses.begin(), statuses.end());
        QCOMPARE(statuses, (QList<int>{204, 409}));
        QVERIFY2(bodies.contains("GroupFull"), bodies.constData());
        server.db([&](Db& db) {
            QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM machines WHERE group_id = ?"), {group}).toInt(),
                     mr::protocol::kMaxMachinesPerGroup);
        });
        const QString d = cp.insertMachine(env.id, owner.user.id, QStringLiteral("d"));
        const HttpResult full =
            cp.send("PUT", QStringLiteral("/api/v1/groups/%1/machines/%2").arg(group, d), {}, owner);
        MR_EXPECT(full, 409, "GroupFull");
        QCOMPARE(cp.get(QStringLiteral("/api/v1/groups/") + group, owner)
                     .object()
                     .value(QStringLiteral("machineIds"))
                     .toArray()
                     .size(),
                 mr::protocol::kMaxMachinesPerGroup);
    }

    void sharing() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const Actor owner = cp.actor(QStringLiteral("owner"));
        const Actor co = cp.actor(QStringLiteral("co"));
        const Actor user = cp.actor(QStringLiteral("user"));
        const Actor sharer = cp.actor(QStringLiteral("sharer"));
        const Actor leaver = cp.actor(QStringLiteral("leaver"));
        cp.grant(env, owner, {QStringLiteral("MachineOwner")});
        for (const Actor* a : {&co, &user, &leaver})
            cp.grant(env, *a, {QStringLiteral("MachineUser")});
        cp.grant(env, sharer, {QStringLiteral("MachineUserCanShare")});
        const QString machine = idOf(cp.registerMachine(owner, env.id, QStringLiteral("pc-s")));
        const QString path = QStringLiteral("/api/v1/machines/") + machine;
        const auto put = [&](const Actor& as, const Actor& to, const QString& role) {
            return cp.send("PUT", path + QStringLiteral("/access/") + to.name(), {{QStringLiteral("role"), role}}, as);
        };

        MR_EXPECT(put(owner, co, QStringLiteral("coOwner")), 204, "");
        MR_EXPECT(put(co, sharer, QStringLiteral("user")), 204, "");
        // Machine User Can Share shares what was shared with them, as "user" only.
        MR_EXPECT(put(sharer, user, QStringLiteral("user")), 204, "");
        const HttpResult escalate = put(sharer, leaver, QStringLiteral("coOwner"));
        MR_EXPECT(escalate, 403, "Forbidden");
        QCOMPARE(
            errorOf(escalate).value(QStringLiteral("details")).toObject().value(QStringLiteral("needs")).toString(),
            QStringLiteral("coOwner"));
        MR_EXPECT(cp.del(path + QStringLiteral("/access/") + co.name(), sharer), 403, "Forbidden");
        // A plain "user" may not share at all.
        const HttpResult plain = put(user, leaver, QStringLiteral("user"));
        MR_EXPECT(plain, 403, "Forbidden");
        QCOMPARE(errorOf(plain).value(QStringLiteral("details")).toObject().value(QStringLiteral("needs")).toString(),
                 QStringLiteral("coOwner or MachineUserCanShare"));
        MR_EXPECT(cp.get(path + QStringLiteral("/access"), user), 403, "Forbidden");
        MR_EXPECT(put(owner, leaver, QStringLiteral("coOwner")), 204, "");
        MR_EXPECT(put(owner, leaver, QStringLiteral("admin")), 400, "BadRequest");
        MR_EXPECT(put(co, owner, QStringLiteral("user")), 409, "Conflict");
        MR_EXPECT(cp.send("PUT", path + QStringLiteral("/access/nobody-") + mr::orch::newId(),
                          {{QStringLiteral("role"), QStringLiteral("user")}}, owner),
                  404, "NotFound");

        // The co-owner may change the machine; the user may not.
        MR_EXPECT(cp.send("PATCH", path, {{QStringLiteral("description"), QStringLiteral("by co")}}, co), 200, "");
        QCOMPARE(cp.get(path, co).object().value(QStringLiteral("access")).toString(), QStringLiteral("coOwner"));
        MR_EXPECT(cp.send("PATCH", path, {{QStringLiteral("description"), QStringLiteral("by user")}}, user), 403,
                  "Forbidden");

        // Deactivated and removed users stay listed, flagged (R9), and lose their rights.
        server.db([&](Db& db) {
            db.exec(QStringLiteral("UPDATE users SET deactivated = ? WHERE id = ?"), {true, user.user.id});
        });
        const Actor envAdmin = cp.actor(QStringLiteral("envadmin"));
        cp.grant(env, envAdmin, {QStringLiteral("EnvironmentAdmin")});
        MR_EXPECT(cp.del(QStringLiteral("/api/v1/environments/%1/members/%2").arg(env.id, leaver.name()), envAdmin),
                  204, "");
        MR_EXPECT(cp.get(path, leaver), 404, "NotFound");
        const HttpResult list = cp.get(path + QStringLiteral("/access"), owner);
        MR_EXPECT(list, 200, "");
        const QJsonArray entries = list.array();
        QCOMPARE(entries.size(), 5);
        const QJsonObject first = entries.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("username")).toString(), owner.name());
        QCOMPARE(first.value(QStringLiteral("role")).toString(), QStringLiteral("owner"));
        QCOMPARE(first.value(QStringLiteral("displayName")).toString(), owner.user.displayName);
        QCOMPARE(first.value(QStringLiteral("deactivated")), QJsonValue(false));
        QHash<QString, QJsonObject> byName;
        for (const QJsonValue& e : entries)
            byName.insert(e.toObject().value(QStringLiteral("username")).toString(), e.toObject());
        QCOMPARE(byName.value(co.name()).value(QStringLiteral("role")).toString(), QStringLiteral("coOwner"));
        QCOMPARE(byName.value(co.name()).value(QStringLiteral("deactivated")), QJsonValue(false));
        QCOMPARE(byName.value(sharer.name()).value(QStringLiteral("role")).toString(), QStringLiteral("user"));
        QCOMPARE(byName.value(user.name()).value(QStringLiteral("deactivated")), QJsonValue(true));
        QCOMPARE(byName.value(leaver.name()).value(QStringLiteral("role")).toString(), QStringLiteral("coOwner"));
        QCOMPARE(byName.value(leaver.name()).value(QStringLiteral("deactivated")), QJsonValue(true));
        // The sharer (user access + Can Share) sees the list too.
        MR_EXPECT(cp.get(path + QStringLiteral("/access"), sharer), 200, "");

        // The owner removes them.
        MR_EXPECT(cp.del(path + QStringLiteral("/access/") + leaver.name(), owner), 204, "");
        MR_EXPECT(cp.del(path + QStringLiteral("/access/") + user.name(), co), 204, "");
        MR_EXPECT(cp.del(path + QStringLiteral("/access/") + owner.name(), co), 409, "Conflict");
        QCOMPARE(cp.get(path + QStringLiteral("/access"), owner).array().size(), 3);

        // Groups share the same way.
        const QString group = idOf(cp.send("POST", QStringLiteral("/api/v1/environments/%1/groups").arg(env.id),
                                           {{QStringLiteral("name"), QStringLiteral("Shared")}}, owner));
        const QString gpath = QStringLiteral("/api/v1/groups/") + group;
        MR_EXPECT(cp.get(gpath, co), 404, "NotFound");
        MR_EXPECT(cp.send("PUT", gpath + QStringLiteral("/access/") + co.name(),
                          {{QStringLiteral("role"), QStringLiteral("coOwner")}}, owner),
                  204, "");
        MR_EXPECT(cp.send("PUT", gpath + QStringLiteral("/access/") + sharer.name(),
                          {{QStringLiteral("role"), QStringLiteral("user")}}, co),
                  204, "");
        QCOMPARE(cp.get(gpath, sharer).object().value(QStringLiteral("access")).toString(), QStringLiteral("user"));
        MR_EXPECT(cp.send("PATCH", gpath, {{QStringLiteral("description"), QStringLiteral("x")}}, sharer), 403,
                  "Forbidden");
        MR_EXPECT(cp.send("PATCH", gpath, {{QStringLiteral("description"), QStringLiteral("x")}}, co), 200, "");
        const QJsonArray gentries = cp.get(gpath + QStringLiteral("/access"), co).array();
        QCOMPARE(gentries.size(), 3);
        QCOMPARE(gentries.at(0).toObject().value(QStringLiteral("role")).toString(), QStringLiteral("owner"));
        MR_EXPECT(cp.del(gpath + QStringLiteral("/access/") + sharer.name(), co), 204, "");
        MR_EXPECT(cp.get(gpath, sharer), 404, "NotFound");
    }
};

QTEST_GUILESS_MAIN(TestControlPlaneGroups)
#include "tst_control_plane_groups.moc"
