use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "user_0001_create_user"
    }
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    Email,
    FirstName,
    LastName,
    AvatarUrl,
    Metadata,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(User::Table)
                .col(ColumnDef::new(User::Id).string().not_null().primary_key())
                .col(ColumnDef::new(User::Email).string().not_null())
                .col(ColumnDef::new(User::FirstName).string().null())
                .col(ColumnDef::new(User::LastName).string().null())
                .col(ColumnDef::new(User::AvatarUrl).string().null())
                .col(ColumnDef::new(User::Metadata).json_binary().null())
                .col(
                    ColumnDef::new(User::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(User::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(User::DeletedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        // As Medusa: an email is unique among users that are not deleted (a partial index, which
        // both SQLite and PostgreSQL support).
        m.create_index(
            Index::create()
                .name("idx_user_email_unique")
                .table(User::Table)
                .col(User::Email)
                .unique()
                .and_where(Expr::col(User::DeletedAt).is_null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(User::Table).to_owned())
            .await?;
        Ok(())
    }
}
