use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "api_key_0001_create_api_key"
    }
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
    Token,
    Salt,
    Redacted,
    Title,
    Type,
    LastUsedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    RevokedBy,
    RevokedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum PublishableApiKeySalesChannel {
    Table,
    PublishableKeyId,
    SalesChannelId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ApiKey::Table)
                .col(ColumnDef::new(ApiKey::Id).string().not_null().primary_key())
                .col(ColumnDef::new(ApiKey::Token).string().not_null())
                .col(ColumnDef::new(ApiKey::Salt).string().not_null())
                .col(ColumnDef::new(ApiKey::Redacted).string().not_null())
                .col(ColumnDef::new(ApiKey::Title).string().not_null())
                .col(ColumnDef::new(ApiKey::Type).string().not_null())
                .col(
                    ColumnDef::new(ApiKey::LastUsedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(ApiKey::CreatedBy).string().not_null())
                .col(
                    ColumnDef::new(ApiKey::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ApiKey::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(ApiKey::RevokedBy).string().null())
                .col(
                    ColumnDef::new(ApiKey::RevokedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(ApiKey::DeletedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_api_key_token_unique")
                .table(ApiKey::Table)
                .col(ApiKey::Token)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PublishableApiKeySalesChannel::Table)
                .col(
                    ColumnDef::new(PublishableApiKeySalesChannel::PublishableKeyId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PublishableApiKeySalesChannel::SalesChannelId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PublishableApiKeySalesChannel::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(PublishableApiKeySalesChannel::PublishableKeyId)
                        .col(PublishableApiKeySalesChannel::SalesChannelId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_pk_sc_api_key")
                        .from(
                            PublishableApiKeySalesChannel::Table,
                            PublishableApiKeySalesChannel::PublishableKeyId,
                        )
                        .to(ApiKey::Table, ApiKey::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(PublishableApiKeySalesChannel::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(ApiKey::Table).to_owned())
            .await?;
        Ok(())
    }
}
