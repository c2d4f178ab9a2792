// Minimal RAII over the SQLite C API: a connection, a prepared statement, a transaction.
// Every query in the service goes through Statement with bound parameters; no SQL is ever
// assembled from data.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace isvc {

class SqliteError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Statement {
  public:
    Statement(sqlite3* db, const char* sql);

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view value);
    Statement& bind_null(int index);

    // Advances to the next row: true while a row is available, false when done.
    bool step();
    // Runs a statement that returns no rows.
    void run() {
        while (step()) {
        }
    }
    void reset();

    std::int64_t column_int(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
    std::string column_text(int col) const;
    bool column_is_null(int col) const {
        return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
    }

  private:
    struct Finalizer {
        void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
    };
    sqlite3* db_;
    std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

class Database {
  public:
    // Opens (creating if needed) the database file.
    explicit Database(const std::string& path);

    // Runs constant SQL (schema, pragmas) that takes no parameters.
    void exec(const char* sql);
    Statement prepare(const char* sql) { return Statement(db_.get(), sql); }
    sqlite3* handle() const { return db_.get(); }
    // Number of rows changed by the last INSERT/UPDATE/DELETE.
    int changes() const { return sqlite3_changes(db_.get()); }

  private:
    struct Closer {
        void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
    };
    std::unique_ptr<sqlite3, Closer> db_;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit() was called, so an
// exception anywhere inside leaves the database unchanged.
class Transaction {
  public:
    explicit Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
        if (!done_) {
            sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        db_.exec("COMMIT");
        done_ = true;
    }

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace isvc
