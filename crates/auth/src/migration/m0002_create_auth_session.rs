use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "auth_0002_create_auth_session"
    }
}

#[derive(DeriveIden)]
enum AuthSession {
    Table,
    Id,
    AuthContext,
    ExpiresAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuthSession::Table)
                .col(
                    ColumnDef::new(AuthSession::Id)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(AuthSession::AuthContext)
                        .json_binary()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuthSession::ExpiresAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuthSession::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        // Expired sessions are swept by expiry.
        m.create_index(
            Index::create()
                .name("idx_auth_session_expires_at")
                .table(AuthSession::Table)
                .col(AuthSession::ExpiresAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuthSession::Table).to_owned())
            .await?;
        Ok(())
    }
}
